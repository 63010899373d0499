"""Pools of Chinese names and places the demo generator draws from."""

from __future__ import annotations

import random

# Common surnames, roughly by frequency (more common ones repeat).
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
BOY_CHARS = "子浩宇轩泽睿俊博文杰明辰昊然皓铭天佑嘉一航晨逸凯哲瑞鹏涛乐阳峻熙宸梓彦奕霖"
GIRL_CHARS = "欣怡梓涵诗雨若可馨语思佳悦琪萱雅婷晗妍彤瑶梦依紫嘉心芷婉静安月清沐晴苒"
ADULT_MALE_CHARS = "伟强军磊勇刚建国志明华平海波斌辉鹏飞峰超涛亮宏春林"
ADULT_FEMALE_CHARS = "芳娟敏静丽艳霞燕玲红梅琳秀英慧颖婷洁雪萍莉君兰凤"
SUBJECTS = ("语文", "数学", "英语", "道德与法治", "科学", "音乐", "体育", "美术", "信息科技")

PARTNERS = (
    ("东湖街道社区服务中心", "community"),
    ("新华路社区服务中心", "community"),
    ("市供电公司", "enterprise"),
    ("区人民医院", "enterprise"),
    ("城南消防救援站", "enterprise"),
    ("市博物馆", "venue"),
    ("市科技馆", "venue"),
    ("区图书馆", "venue"),
    ("市青少年活动中心", "venue"),
    ("城郊农耕实践基地", "base"),
)

STREETS = ("东湖路", "新华路", "建设路", "人民路", "文化路", "解放路", "青年路", "和平街", "长江路", "滨河路")


def person_name(rng: random.Random, surname: str | None, *, child: bool, male: bool) -> str:
    """A plausible name: a surname and one or two given-name characters."""
    surname = surname or rng.choice(SURNAMES)
    pools = {(True, True): BOY_CHARS, (True, False): GIRL_CHARS}
    pool = pools.get((child, male)) or (ADULT_MALE_CHARS if male else ADULT_FEMALE_CHARS)
    length = 2 if rng.random() < (0.8 if child else 0.55) else 1
    return surname + "".join(rng.choice(pool) for _ in range(length))


def phone_number(rng: random.Random) -> str:
    """A mobile number of the usual 11-digit form."""
    return rng.choice(("138", "139", "150", "186", "177", "135")) + f"{rng.randrange(10**8):08d}"
