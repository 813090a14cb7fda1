# strings with escapes print escaped inside sets
{ s = "tab\there\nnewline"; }
