# unary minus binds tighter than *
-2 * 3
