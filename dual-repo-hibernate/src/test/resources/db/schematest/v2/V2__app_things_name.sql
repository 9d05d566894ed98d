alter table app_things add column name varchar(100);
