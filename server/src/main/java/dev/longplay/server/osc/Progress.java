package dev.longplay.server.osc;

import dev.longplay.models.pipeline.Stage;

/**
 * A job's progress as {@code /gen/progress} reports it: the stage's wire word ({@link Stage#wire()}, the word HTTP
 * and SSE use too) and an overall fraction, with sampling taking most of the bar since it takes most of the time
 * (a long clip's windows and its sampling steps, counted over all windows, share that part of the bar).
 */
record Progress(String stage, double fraction) {

    static Progress of(Stage stage, int step, int total) {
        double within = total <= 0 ? 0 : Math.min(1.0, Math.max(0.0, step / (double) total));
        double fraction = switch (stage) {
            case QUEUED, LOADING_MODEL -> 0.0;
            case CONDITIONING -> 0.05 * within;
            case ENCODING -> 0.05 + 0.05 * within;
            case WINDOW, SAMPLING -> 0.1 + 0.8 * within;
            case DECODING -> 0.9 + 0.09 * within;
            case WRITING -> 0.99;
        };
        return new Progress(stage.wire(), fraction);
    }
}
