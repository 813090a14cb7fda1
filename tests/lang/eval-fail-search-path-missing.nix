# a <name> that is in no search path entry
<no-such-entry>
