import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** The window's width, kept current (for layouts that CSS alone cannot switch, e.g. a pager). */
export function useWidth(): Ref<number> {
  const width = ref(typeof window === 'undefined' ? 1280 : window.innerWidth)
  const update = (): void => {
    width.value = window.innerWidth
  }
  onMounted(() => window.addEventListener('resize', update))
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return width
}
