"""Tables and workbooks in and out: the one table reader, the model reader, the template and the writers."""
