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
--   LP_PARAMS         (optional) a file this script writes the plugin's parameters to, as Ardour reads them:
--                     "<phase> <value> <label>" lines (phases insert, preset, reopen)
--   LP_AUTOMATE       (optional) "<label>,<sample>,<value before>,<value from>": automate that parameter as a
--                     step at that sample (automation in Play mode)
--   LP_SLOTS          (optional, without LP_PRESET) make this many clips, clip k into slot k, and write
--                     "k <clip file>" lines to LP_SLOT_LIST
--   LP_SET            (optional, without LP_PRESET) "label=value;..." parameters to set after that
--   LP_NOTES          (optional) a MIDI region on the track from sample 0: "note,velocity,on,off;..." with on/off
--                     in beats as Ardour counts them (1920 ticks a beat), e.g. "60,100,2880,6720"

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
-- Ardour numbers a plugin's parameters two ways: j over all its ports (an LV2's audio and atom ports too), and
-- the n that LuaAPI's get/set_processor_param take, over the control ports only (inputs and outputs).
local function each_input_control (proc, fn)
	local plug = proc:to_insert ():plugin (0)
	local n = 0
	for j = 0, plug:parameter_count () - 1 do
		if plug:parameter_is_control (j) then
			if plug:parameter_is_input (j) and fn (n, j, plug:parameter_label (j)) then return n, j end
			n = n + 1
		end
	end
end

local function param_index (proc, wanted)
	local n, j = each_input_control (proc, function (_, _, l) return string.sub (l, 1, string.len (wanted)) == wanted end)
	if n == nil then fail ("the plugin has no parameter " .. wanted) end
	return n, j
end

-- Ardour shows the LV2's parameters in their own units (control ports) but a JUCE VST3's normalised (0..1, the
-- VST3 wrapper gives no plain range): the plain ranges of the parameters this script sets, to normalise them.
local vst3_range = {
	["Seconds"] = { 1, 47 }, ["Steps"] = { 0, 250 }, ["Seed"] = { -1, 1000000 }, ["New clips to slot"] = { 0, 8 },
	["Slot 1 gain"] = { -60, 12 }, ["Slots only"] = { 0, 1 }, ["Start at"] = { 0, 1 }, ["Slot notes"] = { 0, 1 },
	["Generate"] = { 0, 1 },
}

-- A plain parameter value as Ardour's control for it takes it. The VST3's parameters are stepped (Seconds in
-- 0.5 s, Seed in 1): a normalised value a rounding error below its step landed on the step below (a 1.5 s clip
-- for Seconds 2), so one above the minimum is placed a millionth higher (the minimum stays 0: a switch reads
-- anything above 0 as on).
local function host_value (wanted, plain)
	if format ~= "VST3" then return plain end
	local r = vst3_range[wanted]
	if r == nil then fail ("no VST3 range known for " .. wanted) end
	if plain <= r[1] then return 0 end
	return math.min (1, (plain - r[1]) / (r[2] - r[1]) + 1e-6)
end

local function set_param (proc, wanted, value)
	local n = param_index (proc, wanted)
	if not ARDOUR.LuaAPI.set_processor_param (proc, n, host_value (wanted, value)) then fail ("could not set " .. wanted) end
	say ("param " .. wanted, ARDOUR.LuaAPI.get_processor_param (proc, n, true))
end

-- Every input parameter as Ardour reads it (the value its control and automation hold), for LP_PARAMS.
local function dump_params (proc, phase)
	local path = env ("LP_PARAMS", "")
	if path == "" then return end
	local f = assert (io.open (path, "a"))
	local count = 0
	each_input_control (proc, function (n, _, l)
		f:write (phase .. " " .. tostring (ARDOUR.LuaAPI.get_processor_param (proc, n, true)) .. " " .. l .. "\n")
		count = count + 1
	end)
	f:close ()
	say ("params_" .. phase, count)
end

-- A step in one parameter's automation: `before` up to the sample, `after` from it on; the lane plays it.
local function automate (proc, spec)
	local lbl, at, before, after = string.match (spec, "^([^,]+),(%d+),([-%d.]+),([-%d.]+)$")
	if lbl == nil then fail ("LP_AUTOMATE: " .. spec) end
	local n, j = param_index (proc, lbl)
	local al, cl, pd = ARDOUR.LuaAPI.plugin_automation (proc, n)
	if al:isnil () then fail ("no automation for " .. lbl) end
	at = tonumber (at)
	before = host_value (lbl, tonumber (before))
	after = host_value (lbl, tonumber (after))
	-- A step: discrete interpolation holds each point's value up to the next (Ardour's default, linear, ramps
	-- from one point to the next).
	if not cl:set_interpolation (Evoral.InterpolationStyle.Discrete) then fail ("no discrete automation") end
	cl:add (Temporal.timepos_t (0), before, false, false)
	cl:add (Temporal.timepos_t (at), after, false, false)
	for _, t in ipairs ({ 0, at // 2, at - 1 }) do
		if math.abs (cl:eval (Temporal.timepos_t (t)) - before) > 1e-9 then fail ("the automation is not " .. before .. " at " .. t) end
	end
	if math.abs (cl:eval (Temporal.timepos_t (at + 1000)) - after) > 1e-9 then fail ("the automation is not " .. after .. " after the step") end
	local ac = proc:to_insert ():to_automatable ():automation_control (
		Evoral.Parameter (ARDOUR.AutomationType.PluginAutomation, 0, j), false)
	if ac:isnil () then fail ("no automation control for " .. lbl) end
	ac:set_automation_state (ARDOUR.AutoState.Play)
	say ("automated", lbl .. " " .. before .. " -> " .. after .. " at sample " .. at)
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

-- Presses Generate (off, then on a few cycles later: the plugin fires on the change) and waits for the clip to
-- land in the plugin's cache; returns its file name.
local function generate (proc, seed)
	set_param (proc, "Seed", seed)
	set_param (proc, "Generate", 0)
	ARDOUR.LuaAPI.usleep (300000)
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
	local p = io.popen ("ls -1t '" .. cache .. "' | grep '[.]wav$' | head -1")
	local newest = p:read ("*l")
	p:close ()
	return newest
end

-- A MIDI region from sample 0 to LP_END holding the notes, the way a musician draws one: Ardour's Lua API has no
-- "new MIDI region", so bounce the (still empty) track's MIDI over the range, which makes a region on a new MIDI
-- file, put it on the playlist and add the notes to its model.
local function add_notes (track, spec)
	local region = track:bounce_range (0, range_end, ARDOUR.InterThreadInfo (), ARDOUR.LuaAPI.nil_proc (), false, "notes")
	if region:isnil () then fail ("could not make a MIDI region") end
	track:playlist ():add_region (region, Temporal.timepos_t (0), 1, false, 0, 0, false)
	local model = region:to_midiregion ():model ()
	local cmd = model:new_note_diff_command ("notes")
	local count = 0
	for note, vel, on, off in string.gmatch (spec, "(%d+),(%d+),(%d+),(%d+)") do
		on = tonumber (on); off = tonumber (off)
		cmd:add (ARDOUR.LuaAPI.new_noteptr (1, Temporal.Beats (on // 1920, on % 1920),
		                                    Temporal.Beats ((off - on) // 1920, (off - on) % 1920), tonumber (note), tonumber (vel)))
		count = count + 1
	end
	model:apply_command (Session, cmd)
	local n = 0
	for _ in ARDOUR.LuaAPI.note_list (model):iter () do n = n + 1 end
	if n ~= count then fail ("the region holds " .. n .. " notes, not " .. count) end
	say ("notes", n)
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
	if env ("LP_NOTES", "") ~= "" then add_notes (track, env ("LP_NOTES", "")) end
	local proc = ARDOUR.LuaAPI.new_plugin (Session, "Longplay", plugin_type, "")
	if proc:isnil () then fail ("Ardour does not find the " .. format .. " plugin \"Longplay\"") end
	if track:add_processor_by_index (proc, 0, nil, true) ~= 0 then fail ("could not insert the plugin") end
	say ("inserted", format)
	ARDOUR.LuaAPI.usleep (200000)
	dump_params (proc, "insert")
	local preset = env ("LP_PRESET", "")
	if preset ~= "" then
		-- A preset that holds a generated clip (LV2: Ardour lists JUCE's parameters as patch properties, which
		-- its Lua API cannot set; a preset is how an LV2 user brings a sound in).
		local plug = proc:to_insert ():plugin (0)
		local pr = plug:preset_by_label (preset)
		if pr == nil or not plug:load_preset (pr) then fail ("could not load the preset " .. preset) end
		say ("preset", preset)
		ARDOUR.LuaAPI.usleep (2000000)  -- the plugin decodes the clip from its local copy on its own thread
		dump_params (proc, "preset")
	else
		set_param (proc, "Seconds", 2)
		set_param (proc, "Steps", 8)
		local slots = tonumber (env ("LP_SLOTS", "0"))
		if slots == 0 then
			generate (proc, 5)
		else
			local list = assert (io.open (assert (env ("LP_SLOT_LIST"), "LP_SLOT_LIST"), "w"))
			for k = 1, slots do
				set_param (proc, "New clips to slot", k)
				list:write (k .. " " .. generate (proc, 20 + k) .. "\n")
			end
			list:close ()
		end
		for lbl, value in string.gmatch (env ("LP_SET", ""), "([^=;]+)=([-%d.]+)") do
			set_param (proc, lbl, tonumber (value))
		end
	end
	if env ("LP_AUTOMATE", "") ~= "" then automate (proc, env ("LP_AUTOMATE", "")) end
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
	dump_params (proc, "reopen")
	say ("stopped_peak_db", master_peak (1))
	export (label)
end
close_session ()
report:close ()
