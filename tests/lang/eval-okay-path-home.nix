# ~/ expands to the home directory
~/x/y
