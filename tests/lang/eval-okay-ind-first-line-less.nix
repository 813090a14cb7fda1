# a first line with no indentation disables stripping
''x
    y
    z''
