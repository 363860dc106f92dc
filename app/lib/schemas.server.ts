// The shared zod input schemas, re-exported through a .server module: Remix leaves .server
// modules out of the browser build, so route files that use them in actions do not ship zod.
export {
  changePasswordInput,
  createApiKeyInput,
  createProjectInput,
  createUserInput,
  idInput,
  loginInput,
  resetPasswordInput,
  updateProjectInput,
  updateUserInput,
} from "../../server/auth/schemas";
export { taskNameSchema } from "../../server/jobs/catalog";
export { findPersonInput, personRefInput, projectSettingsInput, settingsBounds } from "../../server/privacy/schemas";
export { exposureStart } from "../../server/experiments/schema";
