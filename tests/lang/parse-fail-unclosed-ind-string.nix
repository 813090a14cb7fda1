# an indented string that never ends
'' abc
