/* app.js — progressive enhancements only; every page works without it. */
