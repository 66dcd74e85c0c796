-- Drives the Longplay plugin inside Ardour, headless (ardour7-lua on the Dummy backend), the way a musician
-- would: a session at LP_RATE with LP_BLOCK-frame cycles and Ardour's default tempo map (120 BPM, 4/4 from
-- sample 0), a MIDI track with the plugin (stereo out), Generate pressed, and the session exported (the master bus,
-- 32-bit float WAV) over a range that starts mid-bar, so the plugin must find the next bar itself from what
-- Ardour reports. Run by bridge-native/ardour-test.sh, which checks the files this writes.
--
-- Environment:
--   LP_PHASE          create: new session, insert the plugin, generate, export, save
--                     reopen: load the saved session, export the same range again, check silence while stopped
--   LP_SESSION_DIR, LP_SESSION_NAME   where the session lives
--   LP_FORMAT         VST3 or LV2 (the plugin is found by name, "Longplay")
--   LP_RATE, LP_BLOCK the Dummy backend's sample rate and cycle size
--   LP_START, LP_END  the export range in samples
--   LP_OUT            the exported WAV's folder; LP_LABEL its name
--   LP_PRESET         (optional) load this preset instead of setting parameters and pressing Generate
--   LP_CACHE          the plugin's clip cache (LONGPLAY_CLIP_CACHE): a WAV there means the clip arrived
--   LP_REPORT         a file this script writes "key value" lines to (what the shell test checks)

local function env (k, d)
	local v = os.getenv (k)
	if v == nil or v == "" then return d end
	return v
end

local phase = env ("LP_PHASE", "create")
local dir = assert (env ("LP_SESSION_DIR"), "LP_SESSION_DIR")
local name = env ("LP_SESSION_NAME", "longplay")
local format = env ("LP_FORMAT", "VST3")
local rate = tonumber (env ("LP_RATE", "44100"))
local block = tonumber (env ("LP_BLOCK", "1024"))
local range_start = tonumber (env ("LP_START", "0"))
local range_end = tonumber (env ("LP_END", tostring (rate * 5)))
local out_dir = assert (env ("LP_OUT"), "LP_OUT")
local label = env ("LP_LABEL", phase)
local cache = assert (env ("LP_CACHE"), "LP_CACHE")
local report = assert (io.open (assert (env ("LP_REPORT"), "LP_REPORT"), "a"))

local function say (k, v)
	report:write (k .. " " .. tostring (v) .. "\n")
	report:flush ()
	print (k, v)
end

local function fail (msg)
	say ("error", msg)
	report:close ()
	os.exit (1)
end

ARDOUR.config ():set_hide_dummy_backend (false)
if not AudioEngine:set_backend ("None (Dummy)", "", "") then fail ("no Dummy backend") end
AudioEngine:set_sample_rate (rate)
AudioEngine:set_buffer_size (block)

local plugin_type = format == "LV2" and ARDOUR.PluginType.LV2 or ARDOUR.PluginType.VST3

local function find_plugin_insert (route)
	local i = 0
	while true do
		local proc = route:nth_plugin (i)
		if proc:isnil () then return nil end
		local pi = proc:to_insert ()
		if not pi:isnil () and pi:plugin (0):name () == "Longplay" then return proc end
		i = i + 1
	end
end

-- The plugin's parameters by label: Ardour's own index for each, the way a user or a script automates them.
local function param_index (proc, wanted)
	local plug = proc:to_insert ():plugin (0)
	local n = 0
	for j = 0, plug:parameter_count () - 1 do
		if plug:parameter_is_input (j) then
			local l = plug:parameter_label (j)
			if string.sub (l, 1, string.len (wanted)) == wanted then return n, j end
			n = n + 1
		end
	end
	fail ("the plugin has no parameter " .. wanted)
end

local function set_param (proc, wanted, value)
	local n = param_index (proc, wanted)
	if not ARDOUR.LuaAPI.set_processor_param (proc, n, value) then fail ("could not set " .. wanted) end
	say ("param " .. wanted, ARDOUR.LuaAPI.get_processor_param (proc, n, true))
end

local function wav_count ()
	local n = 0
	local p = io.popen ("ls -1 '" .. cache .. "' 2>/dev/null")
	for line in p:lines () do
		if string.match (line, "%.wav$") then n = n + 1 end
	end
	p:close ()
	return n
end

local function export (lbl)
	local e = Session:simple_export ()
	e:set_preset ("4c6f6e67-706c-6179-2d70-726573657400")
	e:set_folder (out_dir)
	e:set_name (lbl)
	e:set_range (range_start, range_end)
	if not e:run_export () then fail ("export " .. lbl .. " failed") end
	say ("exported", lbl)
end

-- Master bus peak over a stretch of time with the transport as it is (meters run while stopped too).
local function master_peak (seconds)
	local m = Session:master_out ():peak_meter ()
	m:reset_max ()
	local peak = -math.huge
	for _ = 1, seconds * 10 do
		ARDOUR.LuaAPI.usleep (100000)
		for c = 0, 1 do
			local v = m:meter_level (c, ARDOUR.MeterType.MeterPeak)
			if v > peak then peak = v end
		end
	end
	return peak
end

if phase == "create" then
	if not create_session (dir, name, rate) then fail ("could not create the session") end
	-- A MIDI track, as for any instrument: the plugin takes MIDI, and Ardour's LV2 host writes time:Position
	-- into an atom port that also carries MIDI only where the route has MIDI buffers (not on an audio track).
	local tl = Session:new_midi_track (ARDOUR.ChanCount (ARDOUR.DataType ("midi"), 1),
	                                   ARDOUR.ChanCount (ARDOUR.DataType ("audio"), 2), false, ARDOUR.PluginInfo (),
	                                   nil, nil, 1, "Longplay", ARDOUR.PresentationInfo.max_order,
	                                   ARDOUR.TrackMode.Normal, true, false)
	local track = tl:front ()
	local proc = ARDOUR.LuaAPI.new_plugin (Session, "Longplay", plugin_type, "")
	if proc:isnil () then fail ("Ardour does not find the " .. format .. " plugin \"Longplay\"") end
	if track:add_processor_by_index (proc, 0, nil, true) ~= 0 then fail ("could not insert the plugin") end
	say ("inserted", format)
	local preset = env ("LP_PRESET", "")
	if preset ~= "" then
		-- A preset that holds a generated clip (LV2: Ardour lists JUCE's parameters as patch properties, which
		-- its Lua API cannot set; a preset is how an LV2 user brings a sound in).
		local plug = proc:to_insert ():plugin (0)
		local pr = plug:preset_by_label (preset)
		if pr == nil or not plug:load_preset (pr) then fail ("could not load the preset " .. preset) end
		say ("preset", preset)
		ARDOUR.LuaAPI.usleep (2000000)  -- the plugin decodes the clip from its local copy on its own thread
	else
		set_param (proc, "Seconds", 2)
		set_param (proc, "Seed", 5)
		set_param (proc, "Steps", 8)
		local before = wav_count ()
		set_param (proc, "Generate", 1)
		-- The transport is stopped: the plugin asks the server on its own thread; wait for the clip to land.
		local waited = 0
		while wav_count () <= before and waited < 300 do
			ARDOUR.LuaAPI.usleep (200000)
			waited = waited + 0.2
		end
		if wav_count () <= before then fail ("no clip arrived within 300 s") end
		say ("clip_after_s", waited)
	end
	say ("stopped_peak_db", master_peak (1))
	export (label)
	Session:save_state ("", false, false, false, false, false)
	say ("saved", name)
else
	if not load_session (dir, name) then fail ("could not load the session") end
	local route = Session:route_by_name ("Longplay")
	if route:isnil () then fail ("the track is gone after reopening") end
	local proc = find_plugin_insert (route)
	if proc == nil then fail ("the plugin is gone after reopening") end
	say ("reopened", format)
	-- The clip comes back from the project (local copy); give the plugin a moment to decode it.
	ARDOUR.LuaAPI.usleep (2000000)
	say ("stopped_peak_db", master_peak (1))
	export (label)
end
close_session ()
report:close ()
