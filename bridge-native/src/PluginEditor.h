#pragma once
#include "PluginProcessor.h"
#include <juce_gui_basics/juce_gui_basics.h>

namespace longplay {

/** Prompt, settings, the three actions, progress, and the clips (drag one onto the DAW's timeline).
    Controls carry component IDs (prompt, preset, seconds, ..., clips) so a test can find them. */
class LongplayEditor : public juce::AudioProcessorEditor,
                       public juce::DragAndDropContainer,
                       private juce::Timer,
                       private juce::ListBoxModel {
public:
    explicit LongplayEditor(LongplayProcessor&);
    ~LongplayEditor() override;
    void paint(juce::Graphics&) override;
    void resized() override;
    /** The WAV file a drag of this clip-list row hands to the DAW (a non-existent File when none). */
    juce::File clipFileForRow(int row) const;

private:
    void timerCallback() override;
    int getNumRows() override;
    void paintListBoxItem(int row, juce::Graphics&, int width, int height, bool selected) override;
    void listBoxItemDoubleClicked(int row, const juce::MouseEvent&) override;
    juce::var getDragSourceDescription(const juce::SparseSet<int>& rows) override;
    void storeTexts();
    void refreshPresets();

    LongplayProcessor& proc;
    using SliderAttachment = juce::AudioProcessorValueTreeState::SliderAttachment;
    juce::Label promptLabel{{}, "Prompt"}, presetLabel{{}, "Preset"}, modelLabel{{}, "Model"},
            serverCmdLabel{{}, "Start server"}, status;
    juce::TextEditor prompt, model, serverCmd;
    juce::ComboBox preset;  // filled from the server's GET /v1/presets
    juce::StringArray presetNames;
    juce::Slider seconds, bars, seed, cfg, steps, captureBars;
    juce::Label secondsL{{}, "Seconds"}, barsL{{}, "Bars"}, seedL{{}, "Seed"}, cfgL{{}, "CFG"}, stepsL{{}, "Steps"},
            captureL{{}, "Capture bars"};
    std::vector<std::unique_ptr<SliderAttachment>> attachments;
    juce::TextButton generate{"Generate"}, style{"Style transfer from input"}, cont{"Continue"};
    juce::ToggleButton embed{"Embed audio in project"}, loop{"Loop (bars mode)"};
    std::unique_ptr<juce::AudioProcessorValueTreeState::ButtonAttachment> embedAttachment, loopAttachment;
    double progress = -1;
    juce::ProgressBar progressBar{progress};
    juce::ListBox clipList{"clips", this};
    std::vector<ClipEntry> clips;
};

}  // namespace longplay
