# list ordering fails on incomparable elements
[ true ] < [ false ]
