# negative zero keeps its sign when printed
0.0 * (-1)
