# path + string normalises the result
./a + "/../b" == ./b
