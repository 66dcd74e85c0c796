#include "PluginEditor.h"

namespace longplay {

LongplayEditor::LongplayEditor(LongplayProcessor& p) : AudioProcessorEditor(p), proc(p) {
    for (auto* l : {&promptLabel, &presetLabel, &modelLabel, &status, &secondsL, &barsL, &seedL, &cfgL, &stepsL, &captureL})
        addAndMakeVisible(l);
    prompt.setMultiLine(true);
    prompt.setReturnKeyStartsNewLine(false);
    prompt.setText(proc.text("prompt"), false);
    preset.setText(proc.text("preset"), false);
    model.setText(proc.text("model"), false);
    preset.setTextToShowWhenEmpty("server default", juce::Colours::grey);
    model.setTextToShowWhenEmpty("server default", juce::Colours::grey);
    for (auto* e : {&prompt, &preset, &model}) {
        addAndMakeVisible(e);
        e->onTextChange = [this] { storeTexts(); };
    }
    const std::pair<juce::Slider*, const char*> sliders[] = {
            {&seconds, "seconds"}, {&bars, "bars"}, {&seed, "seed"}, {&cfg, "cfg"}, {&steps, "steps"}, {&captureBars, "captureBars"}};
    for (auto& [s, id] : sliders) {
        s->setSliderStyle(juce::Slider::IncDecButtons);
        s->setTextBoxStyle(juce::Slider::TextBoxLeft, false, 70, 22);
        addAndMakeVisible(s);
        attachments.push_back(std::make_unique<SliderAttachment>(proc.params, id, *s));
    }
    generate.onClick = [this] { storeTexts(); proc.requestGenerate("text"); };
    cont.onClick = [this] { storeTexts(); proc.requestGenerate("continue"); };
    style.onClick = [this] { storeTexts(); proc.requestStyleTransferFromInput(); };
    embed.setToggleState(proc.text("embedAudio") == "1", juce::dontSendNotification);
    embed.onClick = [this] { proc.setText("embedAudio", embed.getToggleState() ? "1" : "0"); };
    for (auto* b : {&generate, &cont, &style}) addAndMakeVisible(b);
    addAndMakeVisible(embed);
    addAndMakeVisible(progressBar);
    addAndMakeVisible(clipList);
    clipList.setMultipleSelectionEnabled(false);
    setSize(560, 520);
    startTimerHz(10);
}

LongplayEditor::~LongplayEditor() { stopTimer(); }

void LongplayEditor::storeTexts() {
    proc.setText("prompt", prompt.getText());
    proc.setText("preset", preset.getText());
    proc.setText("model", model.getText());
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
    embed.setBounds(row(24));
    progressBar.setBounds(row(20));
    status.setBounds(row(22));
    clipList.setBounds(r);
}

void LongplayEditor::timerCallback() {
    auto& c = proc.client();
    progress = c.progress() < 0 ? 0.0 : c.progress();
    const char* conn = c.connection() == Connection::connected ? "online" : c.connection() == Connection::unreachable ? "OFFLINE" : "...";
    status.setText(juce::String(conn) + " - " + c.statusText(), juce::dontSendNotification);
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

juce::var LongplayEditor::getDragSourceDescription(const juce::SparseSet<int>& rows) {
    // Dragging a row out of the plugin hands the DAW the clip's WAV file (an external file drag).
    if (rows.size() > 0) {
        int row = rows[0];
        if (row >= 0 && row < getNumRows() && clips[(size_t) row].file.existsAsFile()) {
            performExternalDragDropOfFiles({clips[(size_t) row].file.getFullPathName()}, false, this);
        }
    }
    return {};
}

}  // namespace longplay
