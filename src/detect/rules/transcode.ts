/**
 * Transcoding rules: FFmpeg exit codes, and hardware transcoding that falls back to software. Plex logs the fallback
 * and its transcoder's exit code at DEBUG in some versions: those lines make no issue (DEBUG never does); the same
 * sentences at WARN or ERROR do.
 */
import type { RuleDefinition } from './types.ts';

export const TRANSCODE_RULES: readonly RuleDefinition[] = [
  {
    id: 'transcode.ffmpeg-exit',
    apps: ['jellyfin', 'emby'],
    message: /^FFmpeg exited with code (-?\d+)/,
    category: 'transcode',
    severity: 'high',
    title: '{app}: FFmpeg exited with an error',
    hint: 'Read the FFmpeg log of the session (FFmpeg.Transcode-*.log) beside the server log.',
  },
  {
    id: 'transcode.plex-transcoder-exit',
    apps: ['plex'],
    message: /Plex Transcoder' exit code for process \d+ is (?!0\b)(-?\d+)/,
    category: 'transcode',
    severity: 'medium',
    title: 'Plex Transcoder exited with an error',
  },
  {
    id: 'transcode.hw-context-failed',
    apps: ['plex'],
    message: /Could not create hardware context for (\w+)/,
    category: 'transcode',
    severity: 'medium',
    title: 'Hardware transcoding unavailable for {1}: Plex falls back to software',
    hint: 'Check the GPU device is passed to the container (/dev/dri, NVIDIA runtime) and the driver is installed.',
  },
  {
    id: 'transcode.cuda-missing',
    message: /Cannot load libcuda|Could not dynamically load CUDA/,
    category: 'transcode',
    severity: 'high',
    title: 'NVIDIA libraries missing: hardware transcoding falls back to software',
    group: 'rule',
    hint: 'Run the container with the NVIDIA runtime and NVIDIA_DRIVER_CAPABILITIES=compute,video,utility.',
  },
  {
    id: 'transcode.vaapi-init-failed',
    message: /(?:iHD|i965)_drv_video\.so init failed|vaInitialize failed|Failed to initiali[sz]e VAAPI/i,
    category: 'transcode',
    severity: 'high',
    title: 'VA-API driver failed to initialise: hardware transcoding falls back to software',
    group: 'rule',
  },
  {
    id: 'transcode.hw-device',
    strength: 'cause',
    // The GPU device or its driver in the line decides, even when the error underneath is a file or I/O error.
    text: /\/dev\/dri\b|\brenderD\d+|\/dev\/nvidia|\blibva\b|\bvaapi\b|\bnvenc\b|\bnvdec\b|\bcuvid\b|\bqsv\b|init_hw_device|hwupload|hardware (?:acceleration|decoding|encoding|transcoding|context)/i,
    category: 'transcode',
    severity: 'high',
    title: '{app}: hardware transcoding fails',
    hint: 'Check the GPU device is passed to the container (/dev/dri, NVIDIA runtime), its permissions and the driver.',
  },
];
