// The Distill d-figure pattern for an embedded lab: boot it when it first
// comes within 200 px of the viewport, pause it when it leaves, and play it
// again on return if it was playing (embed/page.js, images/embed.js).

export function whileInView({ start, playing, pause, play, ready }) {
  let started = false;
  let visible = false;
  let resumeOnView = false;
  new IntersectionObserver(([entry]) => {
    visible = entry.isIntersecting;
    if (visible && !started) {
      started = true;
      start();
    } else if (!visible && playing()) {
      resumeOnView = true;
      pause();
    } else if (visible && resumeOnView && ready()) {
      resumeOnView = false;
      play();
    }
  }, { rootMargin: '200px' }).observe(document.body);
  return {
    get visible() {
      return visible;
    },
    /** Play when next in view (a link that autoplays, opened out of view). */
    playOnView() {
      resumeOnView = true;
    },
    /** The reader pressed play or pause: do not resume by ourselves. */
    cancelResume() {
      resumeOnView = false;
    },
  };
}
