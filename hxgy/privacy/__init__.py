"""A family's rights over its data (个人信息保护法 art. 28, 31; 儿童个人信息网络保护规定), docs/privacy.md.

- ``story.student_story``: one student's story, gathered once, for the family's .docx and the 学生档案 page;
  ``story_access``: who sees which part of it (names, 德育 scores, flags, phones masked);
- ``family.family_file``: everything stored about one student and their family, as one .docx a parent can read;
- ``erase.erase_student``: a student who left, erased (names, phones, flags, free text) while every class
  figure of every past term stays the same; the audit log keeps that it happened, not what was erased;
- ``leaving``: a student who left mid-year (登记离校（转出）): the enrolment ends that day, undone by 回到在读;
- ``retention``: the school's 留存年限 and the students past it (``python -m hxgy purge``, monthly by
  deploy/hxgy-purge.timer).
"""
