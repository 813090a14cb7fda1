# helper: returns the position of __curPos in this file
{
  pos = __curPos;
}
