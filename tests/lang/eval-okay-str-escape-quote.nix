# an escaped double quote
"say \"hi\""
