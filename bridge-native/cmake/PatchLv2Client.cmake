# JUCE 7.0.5's LV2 client (juce_audio_plugin_client/LV2/juce_LV2_Client.cpp) publishes parameters only as LV2
# patch properties (patch:writable, changed through patch:Set messages). Ardour 7 lists such properties but its
# controls, automation and Lua API read them as 0. LV2 hosts read and automate *control ports*, so this writes a
# copy of JUCE's client into the build folder that gives every parameter a control input port instead:
#   - the TTL declares one lv2:ControlPort per parameter (index after JUCE's own ports, symbol = parameter ID,
#     plain min/max/default, lv2:integer/toggled/enumeration and scale points for discrete ones) and no longer
#     patch:writable/readable;
#   - run() applies each port whose value moved to its parameter (all of them in the first block), before
#     processBlock, on the audio thread as JUCE applies patch:Set. After a state restore the restored values
#     stand until the host moves a port (from the value it had at the restore): the state is as fresh as the
#     ports (the host's moves reach the parameters, so a saved state holds them too, and also changes made in
#     the plugin's own editor, which the ports do not see).
# Every replaced passage must be found as it is in 7.0.5, or configuring fails (a different JUCE needs a look).
#
#   longplay_patch_lv2_client(<JUCE modules dir> <output file>)

# Replaces `old` by `new` in the caller's variable `src`; fails when `old` is not there.
function(_lp_replace old new)
    string(FIND "${src}" "${old}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "PatchLv2Client: JUCE's LV2 client does not contain:\n${old}")
    endif()
    string(REPLACE "${old}" "${new}" out "${src}")
    set(src "${out}" PARENT_SCOPE)
endfunction()

function(longplay_patch_lv2_client modules out)
    set(in "${modules}/juce_audio_plugin_client/LV2/juce_LV2_Client.cpp")
    file(READ "${in}" src)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${in}")


    # Port numbering: parameter i's control port follows JUCE's last port (enabled).
    _lp_replace([==[    int getMaxAudioPortIndex() const noexcept { return numInputs + numOutputs; }
]==] [==[    int getMaxAudioPortIndex() const noexcept { return numInputs + numOutputs; }

    int getPortIndexForParameter (int param) const noexcept { return getPortIndexFor (PortKind::enabledInput) + 1 + param; }
]==])

    # The ports hold one float pointer per parameter.
    _lp_replace([==[    Ports (LV2_URID_Map map, int numInputsIn, int numOutputsIn)
        : forge (map),]==] [==[    Ports (LV2_URID_Map map, int numInputsIn, int numOutputsIn, int numParamsIn)
        : paramPorts ((size_t) numParamsIn, nullptr),
          forge (map),]==])
    _lp_replace([==[    lv2_shared::AtomForge forge;
    PortIndices indices;]==] [==[    std::vector<const float*> paramPorts;
    lv2_shared::AtomForge forge;
    PortIndices indices;]==])
    _lp_replace([==[            audioBuffers[(size_t) port] = static_cast<float*> (data);
        }
]==] [==[            audioBuffers[(size_t) port] = static_cast<float*> (data);
        }
        else if (isPositiveAndBelow (port - indices.getPortIndexForParameter (0), (int) paramPorts.size()))
        {
            paramPorts[(size_t) (port - indices.getPortIndexForParameter (0))] = static_cast<const float*> (data);
        }
]==])
    _lp_replace([==[    Ports ports { mapFeature,
                  processor->getTotalNumInputChannels(),
                  processor->getTotalNumOutputChannels() };]==] [==[    Ports ports { mapFeature,
                  processor->getTotalNumInputChannels(),
                  processor->getTotalNumOutputChannels(),
                  processor->getParameters().size() };
    std::vector<float> lastPortValues = std::vector<float> (ports.paramPorts.size(), 0.0f);
    std::atomic<bool> applyAllPorts { true };  // the first block, unless a state restore came before it]==])

    # Plain port values set parameters by index (the URID path converts the same way).
    _lp_replace([==[        if (auto* param = legacyParameters.getParamForIndex ((int) it->second))
]==] [==[        setValueFromHostByIndex (it->second, value);
    }

    void setValueFromHostByIndex (size_t index, float value) noexcept
    {
        if (auto* param = legacyParameters.getParamForIndex ((int) index))
]==])

    # run(): the ports' values reach the parameters before the block is processed.
    _lp_replace([==[        processor->setNonRealtime (ports.isFreeWheeling());
]==] [==[        {
            const auto all = applyAllPorts.exchange (false);

            for (size_t i = 0; i < ports.paramPorts.size(); ++i)
            {
                if (const auto* port = ports.paramPorts[i])
                {
                    if (all || *port != lastPortValues[i])
                    {
                        lastPortValues[i] = *port;
                        parameters.setValueFromHostByIndex (i, *port);
                    }
                }
            }
        }

        processor->setNonRealtime (ports.isFreeWheeling());
]==])
    # After a state restore the restored values stand; a port applies again when the host moves it (LV2 never
    # runs restore and run() at the same time, so the snapshot of the ports here needs no lock).
    _lp_replace([==[        processor->setStateInformation (block.getData(), (int) block.getSize());
]==] [==[        processor->setStateInformation (block.getData(), (int) block.getSize());

        // The ports as they stand now count as applied (a port not connected yet applies in the first block).
        for (size_t i = 0; i < ports.paramPorts.size(); ++i)
            lastPortValues[i] = ports.paramPorts[i] != nullptr ? *ports.paramPorts[i] : std::numeric_limits<float>::quiet_NaN();

        applyAllPorts = false;
]==])

    # TTL: control ports instead of patch properties.
    _lp_replace([==[        visitAllParameters (groupsAndSymbols, parameterVisitor);
]==] [==[        ignoreUnused (parameterVisitor);
        MemoryOutputStream paramPortsTtl;
        const PortIndices paramIndices (proc.getTotalNumInputChannels(), proc.getTotalNumOutputChannels());

        visitAllParameters (groupsAndSymbols, [&] (const String& symbol, const AudioProcessorParameter& param)
        {
            auto& p = paramPortsTtl;
            const auto* ranged = dynamic_cast<const RangedAudioParameter*> (&param);
            const auto plain = [&] (float normalised) { return ranged != nullptr ? ranged->convertFrom0to1 (normalised) : normalised; };

            p << "\t] , [\n"
                 "\t\ta lv2:InputPort , lv2:ControlPort ;\n"
                 "\t\tlv2:index " << paramIndices.getPortIndexForParameter (param.getParameterIndex()) << " ;\n"
                 "\t\tlv2:symbol \"" << ParameterStorage::getIri (param) << "\" ;\n"
                 "\t\tlv2:name \"" << param.getName (1024) << "\" ;\n";

            if (symbol.isNotEmpty())
                p << "\t\tpg:group plug:" << symbol << " ;\n";

            p << "\t\tlv2:default " << plain (param.getDefaultValue()) << " ;\n"
                 "\t\tlv2:minimum " << plain (0.0f) << " ;\n"
                 "\t\tlv2:maximum " << plain (1.0f) << " ;\n";

            const auto numSteps = param.getNumSteps();

            if (param.isDiscrete() && 2 <= numSteps)
            {
                const auto withPoints = numSteps < 1000;
                p << "\t\tlv2:portProperty lv2:integer" << (param.isBoolean() ? " , lv2:toggled" : "")
                  << (withPoints ? " , lv2:enumeration" : "") << " ;\n";

                for (int i = 0; withPoints && i < numSteps; ++i)
                {
                    const auto value = (float) i / (float) (numSteps - 1);
                    p << "\t\tlv2:scalePoint [ rdfs:label \"" << param.getText (value, 1024) << "\" ; rdf:value "
                      << plain (value) << " ] ;\n";
                }
            }
        });
]==])
    _lp_replace([==[        if (legacyParameters.size() != 0)
        {
            for (const auto header : { "writable", "readable" })]==] [==[        if (false)  // parameters are control ports, not patch properties
        {
            for (const auto header : { "writable", "readable" })]==])
    _lp_replace([==[              "\t\tlv2:index " << indices.getPortIndexFor (PortKind::enabledInput) << " ;\n"
              "\t\tlv2:portProperty lv2:toggled , lv2:connectionOptional , pprop:notOnGUI ;\n"
              "\t] ;\n"]==] [==[              "\t\tlv2:index " << indices.getPortIndexFor (PortKind::enabledInput) << " ;\n"
              "\t\tlv2:portProperty lv2:toggled , lv2:connectionOptional , pprop:notOnGUI ;\n"
           << paramPortsTtl.toString()
           << "\t] ;\n"]==])

    file(WRITE "${out}.tmp" "${src}")
    configure_file("${out}.tmp" "${out}" COPYONLY)  # rewritten (and recompiled) only when it changes
endfunction()
