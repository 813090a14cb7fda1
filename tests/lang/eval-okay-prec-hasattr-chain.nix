# ? chains to the left: the second test is applied to a Boolean
{ } ? a ? b
