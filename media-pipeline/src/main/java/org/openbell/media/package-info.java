/**
 * The WebRTC media worker (issue 3): a libwebrtc peer through webrtc-java, run as a supervised
 * child process of the device agent.
 */
package org.openbell.media;
