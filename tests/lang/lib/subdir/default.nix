# helper: the default file of a directory
{ fromDefault = true; }
