{
 "patcher": {
  "fileversion": 1,
  "appversion": {
   "major": 8,
   "minor": 5,
   "revision": 5,
   "architecture": "x64",
   "modernui": 1
  },
  "classnamespace": "box",
  "rect": [
   100.0,
   100.0,
   700.0,
   520.0
  ],
  "bglocked": 0,
  "openinpresentation": 0,
  "default_fontsize": 12.0,
  "default_fontface": 0,
  "default_fontname": "Arial",
  "gridonopen": 1,
  "gridsize": [
   15.0,
   15.0
  ],
  "gridsnaponopen": 1,
  "objectsnaponopen": 1,
  "statusbarvisible": 2,
  "toolbarvisible": 1,
  "boxes": [
   {
    "box": {
     "id": "obj-1",
     "maxclass": "comment",
     "text": "Longplay from Max: [udpsend] sends commands to Longplay on 127.0.0.1 port 57300; Max cannot receive on its sending socket, so on load the patch registers port 57301 with /notify 1 57301 and [udpreceive 57301] gets the replies. Click a message; replies print in the Max window. Reference: docs/osc.md.",
     "numinlets": 1,
     "patching_rect": [
      20.0,
      10.0,
      640.0,
      50.0
     ],
     "numoutlets": 0
    }
   },
   {
    "box": {
     "id": "obj-2",
     "maxclass": "newobj",
     "text": "loadbang",
     "numinlets": 1,
     "numoutlets": 1,
     "patching_rect": [
      20.0,
      70.0,
      60.0,
      22.0
     ],
     "outlettype": [
      "bang"
     ]
    }
   },
   {
    "box": {
     "id": "obj-3",
     "maxclass": "message",
     "text": "/notify 1 57301",
     "numinlets": 2,
     "numoutlets": 1,
     "patching_rect": [
      20.0,
      100.0,
      110.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-4",
     "maxclass": "message",
     "text": "/gen/text 1 \"warm analog pad\" 8 seed 42",
     "numinlets": 2,
     "numoutlets": 1,
     "patching_rect": [
      150.0,
      100.0,
      250.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-5",
     "maxclass": "message",
     "text": "/gen/loop 2 \"dusty drum loop\" 90 2",
     "numinlets": 2,
     "numoutlets": 1,
     "patching_rect": [
      150.0,
      130.0,
      230.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-6",
     "maxclass": "message",
     "text": "/status",
     "numinlets": 2,
     "numoutlets": 1,
     "patching_rect": [
      420.0,
      100.0,
      55.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-7",
     "maxclass": "message",
     "text": "/gen/cancel 1",
     "numinlets": 2,
     "numoutlets": 1,
     "patching_rect": [
      490.0,
      100.0,
      90.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-8",
     "maxclass": "newobj",
     "text": "udpsend 127.0.0.1 57300",
     "numinlets": 1,
     "numoutlets": 0,
     "patching_rect": [
      20.0,
      180.0,
      150.0,
      22.0
     ]
    }
   },
   {
    "box": {
     "id": "obj-9",
     "maxclass": "newobj",
     "text": "udpreceive 57301",
     "numinlets": 1,
     "numoutlets": 1,
     "patching_rect": [
      20.0,
      240.0,
      110.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-10",
     "maxclass": "newobj",
     "text": "route /done /fail /gen/progress /status.reply",
     "numinlets": 2,
     "numoutlets": 5,
     "patching_rect": [
      20.0,
      280.0,
      280.0,
      22.0
     ],
     "outlettype": [
      "",
      "",
      "",
      "",
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-11",
     "maxclass": "newobj",
     "text": "print longplay",
     "numinlets": 1,
     "numoutlets": 0,
     "patching_rect": [
      320.0,
      330.0,
      95.0,
      22.0
     ]
    }
   },
   {
    "box": {
     "id": "obj-12",
     "maxclass": "newobj",
     "text": "route /gen/text /gen/loop",
     "numinlets": 2,
     "numoutlets": 3,
     "patching_rect": [
      20.0,
      330.0,
      160.0,
      22.0
     ],
     "outlettype": [
      "",
      "",
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-13",
     "maxclass": "newobj",
     "text": "unpack i s s i i i i",
     "numinlets": 1,
     "numoutlets": 7,
     "patching_rect": [
      20.0,
      370.0,
      140.0,
      22.0
     ],
     "outlettype": [
      "int",
      "",
      "",
      "int",
      "int",
      "int",
      "int"
     ]
    }
   },
   {
    "box": {
     "id": "obj-14",
     "maxclass": "newobj",
     "text": "prepend replace",
     "numinlets": 2,
     "numoutlets": 1,
     "patching_rect": [
      60.0,
      410.0,
      100.0,
      22.0
     ],
     "outlettype": [
      ""
     ]
    }
   },
   {
    "box": {
     "id": "obj-15",
     "maxclass": "newobj",
     "text": "buffer~ longplay-clip",
     "numinlets": 1,
     "numoutlets": 2,
     "patching_rect": [
      60.0,
      450.0,
      140.0,
      22.0
     ],
     "outlettype": [
      "float",
      "bang"
     ]
    }
   },
   {
    "box": {
     "id": "obj-16",
     "maxclass": "comment",
     "text": "A finished clip's WAV file is loaded into [buffer~ longplay-clip]; play it with [play~ longplay-clip] or [groove~ longplay-clip].",
     "numinlets": 1,
     "patching_rect": [
      220.0,
      450.0,
      420.0,
      36.0
     ],
     "numoutlets": 0
    }
   }
  ],
  "lines": [
   {
    "patchline": {
     "source": [
      "obj-2",
      0
     ],
     "destination": [
      "obj-3",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-3",
      0
     ],
     "destination": [
      "obj-8",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-4",
      0
     ],
     "destination": [
      "obj-8",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-5",
      0
     ],
     "destination": [
      "obj-8",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-6",
      0
     ],
     "destination": [
      "obj-8",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-7",
      0
     ],
     "destination": [
      "obj-8",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-9",
      0
     ],
     "destination": [
      "obj-10",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-10",
      0
     ],
     "destination": [
      "obj-12",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-10",
      0
     ],
     "destination": [
      "obj-11",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-10",
      1
     ],
     "destination": [
      "obj-11",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-10",
      2
     ],
     "destination": [
      "obj-11",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-10",
      3
     ],
     "destination": [
      "obj-11",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-10",
      4
     ],
     "destination": [
      "obj-11",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-12",
      0
     ],
     "destination": [
      "obj-13",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-12",
      1
     ],
     "destination": [
      "obj-13",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-13",
      2
     ],
     "destination": [
      "obj-14",
      0
     ]
    }
   },
   {
    "patchline": {
     "source": [
      "obj-14",
      0
     ],
     "destination": [
      "obj-15",
      0
     ]
    }
   }
  ],
  "dependency_cache": [],
  "autosave": 0
 }
}
