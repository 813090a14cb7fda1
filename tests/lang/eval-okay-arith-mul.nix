# integer multiplication
6 * 7
