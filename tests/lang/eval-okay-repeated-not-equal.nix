# equal but separately built sets are not marked repeated
[ { a = 1; } { a = 1; } ]
