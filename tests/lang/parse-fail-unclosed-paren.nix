# an opening parenthesis without a close
(1 + 2
