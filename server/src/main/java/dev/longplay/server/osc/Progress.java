package dev.longplay.server.osc;

import dev.longplay.server.jobs.Stage;

/**
 * A job's progress as {@code /gen/progress} reports it: one of the documented stage names (queued, encode, window,
 * sample, decode) and an overall fraction, with sampling taking most of the bar since it takes most of the time
 * (a long clip's windows and its sampling steps, counted over all windows, share that part of the bar).
 */
record Progress(String stage, double fraction) {

    static Progress of(Stage stage, int step, int total) {
        double within = total <= 0 ? 0 : Math.min(1.0, Math.max(0.0, step / (double) total));
        return switch (stage) {
            case QUEUED, LOADING_MODEL -> new Progress("queued", 0.0);
            case ENCODING -> new Progress("encode", 0.1 * within);
            case WINDOW -> new Progress("window", 0.1 + 0.8 * within);
            case SAMPLING -> new Progress("sample", 0.1 + 0.8 * within);
            case DECODING -> new Progress("decode", 0.9 + 0.09 * within);
            case WRITING -> new Progress("decode", 0.99);
        };
    }
}
