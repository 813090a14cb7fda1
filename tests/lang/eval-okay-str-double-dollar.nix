# $${ is a literal dollar followed by a literal dollar-brace
"$${x}"
