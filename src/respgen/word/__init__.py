"""The Word document: filling the house-style template, its WordprocessingML, its checks."""
