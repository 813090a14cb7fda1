# indentation relative to the string, not to the file
{
  text = ''
    line one
      line two
  '';
}
