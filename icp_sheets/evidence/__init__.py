"""Building and testing the ICP from outcomes: learn, validate and the addressable-market check."""
