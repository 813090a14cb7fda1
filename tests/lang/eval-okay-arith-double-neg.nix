# two unary minus signs cancel
- -4
