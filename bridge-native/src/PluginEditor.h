#pragma once
#include "PluginProcessor.h"
#include <juce_gui_basics/juce_gui_basics.h>

namespace longplay {

/** Prompt, settings, the three actions, progress, and the clips (drag one onto the DAW's timeline). */
class LongplayEditor : public juce::AudioProcessorEditor,
                       public juce::DragAndDropContainer,
                       private juce::Timer,
                       private juce::ListBoxModel {
public:
    explicit LongplayEditor(LongplayProcessor&);
    ~LongplayEditor() override;
    void paint(juce::Graphics&) override;
    void resized() override;

private:
    void timerCallback() override;
    int getNumRows() override;
    void paintListBoxItem(int row, juce::Graphics&, int width, int height, bool selected) override;
    void listBoxItemDoubleClicked(int row, const juce::MouseEvent&) override;
    juce::var getDragSourceDescription(const juce::SparseSet<int>& rows) override;
    void storeTexts();

    LongplayProcessor& proc;
    using SliderAttachment = juce::AudioProcessorValueTreeState::SliderAttachment;
    juce::Label promptLabel{{}, "Prompt"}, presetLabel{{}, "Preset"}, modelLabel{{}, "Model"}, status;
    juce::TextEditor prompt, preset, model;
    juce::Slider seconds, bars, seed, cfg, steps, captureBars;
    juce::Label secondsL{{}, "Seconds"}, barsL{{}, "Bars"}, seedL{{}, "Seed"}, cfgL{{}, "CFG"}, stepsL{{}, "Steps"},
            captureL{{}, "Capture bars"};
    std::vector<std::unique_ptr<SliderAttachment>> attachments;
    juce::TextButton generate{"Generate"}, style{"Style transfer from input"}, cont{"Continue"};
    juce::ToggleButton embed{"Embed audio in project"};
    double progress = -1;
    juce::ProgressBar progressBar{progress};
    juce::ListBox clipList{"clips", this};
    std::vector<ClipEntry> clips;
};

}  // namespace longplay
