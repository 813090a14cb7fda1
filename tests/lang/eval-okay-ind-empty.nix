# the empty indented string
''''
