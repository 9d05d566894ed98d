create table app_things (id varchar(20) primary key);
