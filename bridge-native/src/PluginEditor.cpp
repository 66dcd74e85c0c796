#include "PluginEditor.h"

namespace longplay {

namespace {
constexpr int defaultPresetItem = 1;  // "(server default)": no preset in the request
}

LongplayEditor::LongplayEditor(LongplayProcessor& p) : AudioProcessorEditor(p), proc(p) {
    for (auto* l : {&promptLabel, &presetLabel, &modelLabel, &serverCmdLabel, &status, &secondsL, &barsL, &seedL, &cfgL,
                    &stepsL, &captureL})
        addAndMakeVisible(l);
    prompt.setMultiLine(true);
    prompt.setReturnKeyStartsNewLine(false);
    prompt.setText(proc.text("prompt"), false);
    model.setText(proc.text("model"), false);
    serverCmd.setText(proc.text("serverCommand"), false);
    model.setTextToShowWhenEmpty("server default", juce::Colours::grey);
    serverCmd.setTextToShowWhenEmpty("command that starts the server when it is unreachable, e.g. /opt/longplay/longplay serve",
                                     juce::Colours::grey);
    for (auto* e : {&prompt, &model}) {
        addAndMakeVisible(e);
        e->onTextChange = [this] { storeTexts(); };
    }
    // The start command is taken when typed out (Return or leaving the field), not at every key: a half-typed
    // command must not be run.
    addAndMakeVisible(serverCmd);
    serverCmd.onReturnKey = serverCmd.onFocusLost = [this] {
        if (serverCmd.getText() != proc.text("serverCommand")) proc.setText("serverCommand", serverCmd.getText());
    };
    prompt.setComponentID("prompt");
    model.setComponentID("model");
    serverCmd.setComponentID("serverCommand");
    preset.setComponentID("preset");
    preset.setTextWhenNothingSelected("(server default)");
    preset.onChange = [this] { storeTexts(); };
    addAndMakeVisible(preset);
    refreshPresets();
    const std::pair<juce::Slider*, const char*> sliders[] = {
            {&seconds, "seconds"}, {&bars, "bars"}, {&seed, "seed"}, {&cfg, "cfg"}, {&steps, "steps"}, {&captureBars, "captureBars"}};
    for (auto& [s, id] : sliders) {
        s->setSliderStyle(juce::Slider::IncDecButtons);
        s->setTextBoxStyle(juce::Slider::TextBoxLeft, false, 70, 22);
        s->setComponentID(id);
        addAndMakeVisible(s);
        attachments.push_back(std::make_unique<SliderAttachment>(proc.params, id, *s));
    }
    generate.onClick = [this] { storeTexts(); proc.requestGenerate("text"); };
    cont.onClick = [this] { storeTexts(); proc.requestGenerate("continue"); };
    style.onClick = [this] { storeTexts(); proc.requestStyleTransferFromInput(); };
    generate.setComponentID("generate");
    cont.setComponentID("continue");
    style.setComponentID("styleTransfer");
    embed.setComponentID("embed");
    loop.setComponentID("loop");
    embedAttachment = std::make_unique<juce::AudioProcessorValueTreeState::ButtonAttachment>(proc.params, "embed", embed);
    loopAttachment = std::make_unique<juce::AudioProcessorValueTreeState::ButtonAttachment>(proc.params, "loop", loop);
    for (auto* b : {&generate, &cont, &style}) addAndMakeVisible(b);
    addAndMakeVisible(embed);
    addAndMakeVisible(loop);
    progressBar.setComponentID("progress");
    addAndMakeVisible(progressBar);
    clipList.setComponentID("clips");
    addAndMakeVisible(clipList);
    clipList.setMultipleSelectionEnabled(false);
    setSize(600, 580);
    startTimerHz(10);
}

LongplayEditor::~LongplayEditor() { stopTimer(); }

void LongplayEditor::storeTexts() {
    proc.setText("prompt", prompt.getText());
    proc.setText("preset", preset.getSelectedId() > defaultPresetItem ? preset.getText() : juce::String());
    proc.setText("model", model.getText());
}

void LongplayEditor::refreshPresets() {
    // The list comes from the server (fetched by the client thread on each connect), never typed by hand; a
    // project's preset the server does not offer (any more) stays listed so it is not lost silently.
    auto names = proc.client().presetNames();
    const juce::String chosen = proc.text("preset");
    if (chosen.isNotEmpty() && !names.contains(chosen)) names.add(chosen);
    if (names == presetNames && preset.getNumItems() > 0) return;
    presetNames = names;
    preset.clear(juce::dontSendNotification);
    preset.addItem("(server default)", defaultPresetItem);
    for (int i = 0; i < names.size(); ++i) preset.addItem(names[i], defaultPresetItem + 1 + i);
    const int at = names.indexOf(chosen);
    preset.setSelectedId(at >= 0 ? defaultPresetItem + 1 + at : defaultPresetItem, juce::dontSendNotification);
}

void LongplayEditor::paint(juce::Graphics& g) { g.fillAll(juce::Colour(0xff1d1f24)); }

void LongplayEditor::resized() {
    auto r = getLocalBounds().reduced(10);
    auto row = [&](int h) { auto x = r.removeFromTop(h); r.removeFromTop(4); return x; };
    auto labelled = [&](juce::Label& l, juce::Component& c, int h) {
        auto x = row(h);
        l.setBounds(x.removeFromLeft(90));
        c.setBounds(x);
    };
    labelled(promptLabel, prompt, 60);
    labelled(presetLabel, preset, 24);
    labelled(modelLabel, model, 24);
    labelled(serverCmdLabel, serverCmd, 24);
    auto pair = [&](juce::Label& l1, juce::Slider& s1, juce::Label& l2, juce::Slider& s2) {
        auto x = row(24);
        auto left = x.removeFromLeft(x.getWidth() / 2);
        l1.setBounds(left.removeFromLeft(90));
        s1.setBounds(left);
        l2.setBounds(x.removeFromLeft(90));
        s2.setBounds(x);
    };
    pair(secondsL, seconds, barsL, bars);
    pair(seedL, seed, cfgL, cfg);
    pair(stepsL, steps, captureL, captureBars);
    auto buttons = row(28);
    int w = buttons.getWidth() / 3;
    generate.setBounds(buttons.removeFromLeft(w).reduced(2, 0));
    cont.setBounds(buttons.removeFromLeft(w).reduced(2, 0));
    style.setBounds(buttons.reduced(2, 0));
    auto toggles = row(24);
    embed.setBounds(toggles.removeFromLeft(toggles.getWidth() / 2));
    loop.setBounds(toggles);
    progressBar.setBounds(row(20));
    status.setBounds(row(22));
    clipList.setBounds(r);
}

void LongplayEditor::timerCallback() {
    auto& c = proc.client();
    progress = c.progress() < 0 ? 0.0 : c.progress();
    const char* conn = c.connection() == Connection::connected ? "online" : c.connection() == Connection::unreachable ? "OFFLINE" : "...";
    juce::String line = juce::String(conn) + " - " + c.statusText();
    if (proc.isCapturing()) line = "recording the input - " + line;
    status.setText(line, juce::dontSendNotification);
    refreshPresets();
    auto now = proc.clipList();
    if (now.size() != clips.size()) {
        clips = std::move(now);
        clipList.updateContent();
        clipList.repaint();
    }
}

int LongplayEditor::getNumRows() { return static_cast<int>(clips.size()); }

void LongplayEditor::paintListBoxItem(int row, juce::Graphics& g, int width, int height, bool selected) {
    if (row < 0 || row >= getNumRows()) return;
    if (selected) g.fillAll(juce::Colour(0xff3a4a6a));
    g.setColour(juce::Colours::white);
    g.drawText(clips[(size_t) row].label + "  [" + clips[(size_t) row].id + "]", 6, 0, width - 12, height,
               juce::Justification::centredLeft);
}

void LongplayEditor::listBoxItemDoubleClicked(int row, const juce::MouseEvent&) {
    if (row >= 0 && row < getNumRows()) proc.playClip(clips[(size_t) row].id);
}

juce::File LongplayEditor::clipFileForRow(int row) const {
    if (row < 0 || row >= static_cast<int>(clips.size())) return {};
    return clips[(size_t) row].file;
}

juce::var LongplayEditor::getDragSourceDescription(const juce::SparseSet<int>& rows) {
    // Dragging a row out of the plugin hands the DAW the clip's WAV file (an external file drag).
    if (rows.size() > 0) {
        auto file = clipFileForRow(rows[0]);
        if (file.existsAsFile()) {
            performExternalDragDropOfFiles({file.getFullPathName()}, false, this);
        }
    }
    return {};
}

}  // namespace longplay
