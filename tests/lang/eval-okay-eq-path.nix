# the same path written twice is equal
./a == ./a
