# the root path
/.
