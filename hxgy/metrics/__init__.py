"""The measures of PRODUCT.md, computed in SQL per class and rolled up to grade and school.

docs/measures.md gives every definition; each module here implements one group:
roster (who counts), communication, volunteers, moral, activities,
satisfaction, and overview (all of them side by side, with targets).
"""
