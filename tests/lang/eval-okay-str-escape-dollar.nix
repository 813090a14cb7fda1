# \${ is a literal dollar-brace, printed escaped
"\${x}"
