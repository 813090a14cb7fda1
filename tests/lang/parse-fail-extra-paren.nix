# a closing parenthesis too many
(1))
