# Rewrites the TTL that JUCE 7.0.5's juce_lv2_helper generates so that lv2_validate accepts it:
#   dsp.ttl       the plugin declares doap:maintainer and doap:release, which only a doap:Project may have:
#                 typed as one (lv2:Plugin is a project). (Parameters are control ports, see PatchLv2Client.cmake.)
#   ui.ttl        ui:noUserResize is a feature, not extension data; opts:interface is extension data, not a
#                 feature: each left only in the list where it belongs.
#   manifest.ttl  the one preset JUCE writes for program 0 has an empty label and a state key it never defines;
#                 the plugin has one program and nothing to preset: dropped.
# Run after juce_lv2_helper: cmake -DBUNDLE=<dir of Longplay.lv2> -P FixLv2Ttl.cmake (idempotent).
if(NOT BUNDLE)
    message(FATAL_ERROR "BUNDLE (the .lv2 folder) is required")
endif()

file(READ "${BUNDLE}/dsp.ttl" dsp)
string(REPLACE "\ta lv2:Plugin ;\n" "\ta lv2:Plugin , doap:Project ;\n" dsp "${dsp}")
file(WRITE "${BUNDLE}/dsp.ttl" "${dsp}")

file(READ "${BUNDLE}/ui.ttl" ui)
string(REPLACE "\t\topts:interface ,\n\t\tui:noUserResize ,\n" "\t\topts:interface ,\n" ui "${ui}")
string(REPLACE "\t\tui:noUserResize ,\n\t\topts:interface ,\n\t\topts:options ;" "\t\tui:noUserResize ,\n\t\topts:options ;" ui "${ui}")
file(WRITE "${BUNDLE}/ui.ttl" "${ui}")

file(READ "${BUNDLE}/manifest.ttl" manifest)
string(REGEX REPLACE "\n<[^>\n]*:preset[0-9]+>\n(\t[^\n]*\n)+" "" manifest "${manifest}")
file(WRITE "${BUNDLE}/manifest.ttl" "${manifest}")
