# paths compare by their text
./a < ./b
