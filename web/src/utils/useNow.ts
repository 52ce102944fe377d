import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** The current time in ms, updated every `everyMs` (for countdowns). */
export function useNow(everyMs = 30_000): Ref<number> {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | null = null
  onMounted(() => {
    timer = setInterval(() => {
      now.value = Date.now()
    }, everyMs)
  })
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer)
  })
  return now
}
