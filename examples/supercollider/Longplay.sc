// Longplay: a small client for the Longplay sound server (OSC over UDP).
// Install: copy this file into Platform.userExtensionDir (or add its folder to the include paths) and
// recompile the class library. Reference: docs/osc.md.
//
//   l = Longplay.new;                                   // 127.0.0.1:57300, registers with /notify 1
//   l.gen("warm analog pad", 8, { |clip| clip.postln }, [\seed, 42]);
//   l.load(clipId, { |buf| buf.play });                 // scsynth reads the clip into a Buffer
Longplay {
	var <addr, <server, <>progressAction, <>failAction;
	var responders, genActions, loadActions, nextId = 1;

	*new { |host = "127.0.0.1", port = 57300, server|
		^super.new.init(host, port, server ? Server.default)
	}

	init { |host, port, argServer|
		addr = NetAddr(host, port);
		server = argServer;
		genActions = IdentityDictionary.new;
		loadActions = IdentityDictionary.new;
		progressAction = { |reqId, fraction, stage| "longplay % %: %\n".postf(reqId, stage, fraction.round(0.01)) };
		failAction = { |command, code, message| "longplay % failed: % %\n".postf(command, code, message) };
		responders = [
			OSCFunc({ |msg| this.prDone(msg) }, '/done', addr),
			OSCFunc({ |msg| this.prFail(msg) }, '/fail', addr),
			OSCFunc({ |msg| progressAction.value(msg[1], msg[2], msg[5]) }, '/gen/progress', addr)
		];
		addr.sendMsg('/notify', 1);
	}

	// Generate from a prompt; action gets an Event (reqId, clipId, path, frames, channels, sampleRate, seed).
	// options: [\seed, 42, \steps, 50, \cfg, 7, \negative, "noise", \at, 2] (see docs/osc.md).
	gen { |prompt, seconds = 8, action, options|
		^this.prSend('/gen/text', [prompt, seconds], action, options)
	}

	genLoop { |prompt, bpm = 120, bars = 4, action, options|
		^this.prSend('/gen/loop', [prompt, bpm, bars], action, options)
	}

	sfx { |prompt, seconds = 3, action, options|
		^this.prSend('/gen/sfx', [prompt, seconds], action, options)
	}

	cancel { |reqId| addr.sendMsg('/gen/cancel', reqId) }

	// Ask Longplay to load a clip into a new buffer on this server (it sends /b_allocRead to scsynth);
	// action gets the Buffer once scsynth has read the file.
	load { |clipId, action|
		var bufnum = server.bufferAllocator.alloc(1);
		loadActions[bufnum] = action;
		addr.sendMsg('/clip/load_sc', clipId, bufnum, server.addr.ip, server.addr.port);
		^bufnum
	}

	status { addr.sendMsg('/status') }

	free {
		responders.do(_.free);
		addr.sendMsg('/notify', 0);
	}

	prSend { |command, args, action, options|
		var reqId = nextId;
		nextId = nextId + 1;
		genActions[reqId] = action;
		addr.sendMsg(*([command, reqId] ++ args ++ (options ? [])));
		^reqId
	}

	prDone { |msg|
		var command = msg[1].asString, action;
		if(command.beginsWith("/gen/")) {
			action = genActions.removeAt(msg[2]);
			action.value((reqId: msg[2], clipId: msg[3].asString, path: msg[4].asString, frames: msg[5],
				channels: msg[6], sampleRate: msg[7], seed: msg[8]));
		};
		if(command == "/clip/load_sc") {
			action = loadActions.removeAt(msg[3]);
			// /b_allocRead went to scsynth before this reply; its /sync returns once the file is read.
			fork {
				var buf;
				server.sync;
				buf = Buffer(server, nil, nil, msg[3]);
				buf.updateInfo({ |b| action.value(b) });
			};
		};
	}

	prFail { |msg|
		if(msg.size > 4) { genActions.removeAt(msg[4]) };
		failAction.value(msg[1], msg[2], msg[3]);
	}
}
