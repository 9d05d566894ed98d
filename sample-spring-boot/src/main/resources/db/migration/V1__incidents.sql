-- The application as it was: organisations, and incidents whose status is free text.
create table organisations (
    id varchar(64) primary key,
    name varchar(200) not null
);

create table incidents (
    id varchar(64) primary key,
    organisation_id varchar(64) not null references organisations (id),
    title varchar(200) not null,
    status varchar(32) not null
);

create index incidents_by_organisation on incidents (organisation_id, id);
