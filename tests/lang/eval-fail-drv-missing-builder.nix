# A derivation needs a builder.
(derivation { name = "nobuilder"; system = "x86_64-linux"; }).outPath
