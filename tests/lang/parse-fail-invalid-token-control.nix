# A control character is no token: the grammar refuses it.
[ 1
   2 ]
